"""Fast paths beneath kmlib's readable algorithms (the appendix "How kmlib is fast").

Each public function of kmlib reads like its chapter; where it is made fast,
it calls one named step from here, and a test proves that the kernel and the
readable step give identical results. Each kernel module opens with a Notes
section on its numerics.

==============  ==========================================================
``screen``      Lloyd's assignment step: a single-precision screen of the
                points, with an exact double-precision recheck of the close
                calls in scikit-learn's 256-row blocks (Chapter 2)
``bounds``      the screened step across a Lloyd run: per-point bounds on
                the gap between the two nearest centres skip the points
                that cannot move (Chapter 2)
``sums``        the update step's per-cluster weights and sums, feature by
                feature on the transposed points (Chapter 2)
``seeding``     k-means++'s candidates, their distances in one batch per
                centre (Chapter 3)
``grid``        DBSCAN's grid index of cells of side ``eps`` (Chapter 5)
``palette``     colour quantization's nearest palette colour in single
                precision, exact for 8-bit images (Chapter 6)
==============  ==========================================================
"""
