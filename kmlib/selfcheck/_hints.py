"""Graded hints: the first gentle, the last nearly the answer."""

from __future__ import annotations

HINTS = {
    "euclidean": [
        "Subtract the two points coordinate by coordinate, then combine the "
        "differences into one number.",
        "Square the differences, add them up, take the square root. Convert "
        "the inputs with np.asarray(a, dtype=float) first.",
        "diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float); "
        "return float(np.sqrt(diff @ diff))",
    ],
    "nearest": [
        "The nearest centre minimises ||c||^2 - 2 x.c (||x||^2 is the same "
        "for every centre). Work on X[start:start + chunk_size] at a time.",
        "For a block: partial = (C**2).sum(axis=1) - 2 * block @ C.T; "
        "labels = partial.argmin(axis=1) (argmin keeps the first minimum, "
        "so ties go to the lowest index).",
        "Recompute the winner's distance from the difference: diff = block "
        "- C[labels]; sq = (diff**2).sum(axis=1). Store labels with dtype=int.",
    ],
    "assign": [
        "Each point goes to the centre at the smallest distance.",
        "Make the (n, k) matrix of squared distances (one block is fine for "
        "small data, or use your my_nearest) and take argmin along axis 1.",
        "D2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2); return "
        "D2.argmin(axis=1)",
    ],
    "update": [
        "The new centre of cluster j is the mean of the points labelled j.",
        "Loop over j in range(k): X[labels == j].mean(axis=0). A cluster with "
        "no point would give NaN: handle it before taking the means.",
        "If some clusters are empty: compute the means of the others, the "
        "squared distance of every point to its own cluster's mean, and move "
        "the farthest point(s) into the empty cluster(s) (change their "
        "labels), then take the means.",
    ],
    "lloyd": [
        "Alternate the two steps you wrote: assign, then update, in a loop "
        "of at most max_iter iterations.",
        "Keep the previous labels; stop as soon as the new labels equal "
        "them (np.array_equal). Convert X and the centres to float first.",
        "for _ in range(max_iter): labels = my_assign(X, C); if old is not "
        "None and np.array_equal(labels, old): break; C = my_update(X, "
        "labels, k); old = labels — then return C, labels.",
    ],
    "kmeans_plusplus": [
        "The first centre is a data point drawn uniformly; every other one "
        "is drawn with probability proportional to D(x)^2.",
        "D(x) is the distance to the *nearest* centre chosen so far; update "
        "it with np.minimum after each choice. Draw with rng, never with "
        "np.random.",
        "i = rng.integers(n); d2 = squared distances to X[i]; then k - 1 "
        "times: j = rng.choice(n, p=d2 / d2.sum()); d2 = np.minimum(d2, "
        "squared distances to X[j]). Return X[chosen].",
    ],
    "silhouette_samples": [
        "For each point, compare the mean distance to its own cluster, a, "
        "with the smallest mean distance to another cluster, b.",
        "a averages over the *other* points of the cluster (divide by |C| - "
        "1); a point alone in its cluster gets s = 0; s = (b - a) / max(a, "
        "b), and 0 where a = b = 0.",
        "D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1)); for each "
        "cluster c: mean_c = D[:, labels == c].mean(axis=1); a = the own "
        "cluster's sum / (size - 1); b = min over the other clusters.",
    ],
    "dbscan": [
        "Count, for every point, the points within eps (itself included, "
        "<= eps): core points have at least min_samples.",
        "Visit the core points in order; an unlabelled one starts a new "
        "cluster, which grows through the neighbourhoods of its core "
        "points; points reached but not core join, but are not expanded.",
        "labels = np.full(n, -1); for each unlabelled core i: labels[i] = c; "
        "stack = [i]; pop p, label every unlabelled q within eps of p as c "
        "and push q only if q is core; c += 1.",
    ],
    "quantize": [
        "The pixels are points in 3-D: run your k-means on "
        "image.reshape(-1, 3) and use the centres as the palette.",
        "Work in float (uint8 differences wrap around). Seed with your "
        "my_kmeans_plusplus(pixels, k, rng), run my_lloyd, then map every "
        "pixel to its nearest palette colour.",
        "For a uint8 image, round the palette (np.round) and return "
        "palette[labels].reshape(image.shape).astype(image.dtype), palette.",
    ],
    "minibatch_step": [
        "Work on copies: C = np.array(centers, dtype=float) and v = "
        "np.array(counts, dtype=float); return (C, v) and leave the "
        "arguments alone.",
        "First the labels of the whole batch, from the centres of the start "
        "of the step (your my_assign or kmlib.assign: ties to the lowest "
        "index); then go through the batch point by point.",
        "for x, j in zip(batch, labels): v[j] += 1; C[j] = (1 - 1 / v[j]) * "
        "C[j] + x / v[j] — the rate is 1/v_j after adding the point, never "
        "1/batch_size; a centre no point chooses is not touched.",
    ],
    "map_chunk": [
        "Label every row of the chunk with its nearest centre; then count "
        "and add up the rows of each label.",
        "counts = np.bincount(labels, minlength=k): without minlength, a "
        "last centre that no row chooses is missing.",
        "sums = np.zeros((k, d)); np.add.at(sums, labels, chunk) adds every "
        "row to its cluster's sum; return (counts, sums), never the means.",
    ],
    "ch1-ex-manhattan": [
        "d1 adds the absolute differences of the coordinates.",
        "For the second part, put x at the origin, one centre on a "
        "diagonal and the other on an axis.",
        "answer = (5, [0, 0], [2, 2], [3, 0])",
    ],
    "ch1-ex-scaling": [
        "Work column by column: axis=0.",
        "W.min(axis=0) and W.max(axis=0) are the per-column extremes.",
        "return (W - W.min(axis=0)) / (W.max(axis=0) - W.min(axis=0))",
    ],
    "ch1-ex-cancellation": [
        "The identity fails when its rounding error, about eps * 2 s^2, "
        "reaches the true answer 1.",
        "Predict s = 1/sqrt(2 eps), then loop p over 20..30 with s = 2.0**p "
        "and compute the identity with Python floats.",
        "The first p for which the identity returns 0.0 is where 2 s^2 no "
        "longer fits 53 bits; kmlib.nearest recomputes from x - c.",
    ],
    "ch1-ex-cube": [
        "E(u - v)^2 = E u^2 - 2 E u E v + E v^2 for independent u, v.",
        "Simulate with rng.random((20000, 50)) twice; average the squared "
        "distance and the distance.",
        "answer = (sq.mean(), np.sqrt(sq).mean()) with sq = ((a - b)**2)."
        "sum(axis=1)",
    ],
    "ch2-ex-mean": [
        "Compute f(m) = sum of (x - m)^2 for m = 1 and for m = 2 (the mean).",
        "The sum of |x - m| is smallest at the median.",
        "answer = (17, 14, 1)",
    ],
    "ch2-ex-assign-update": [
        "Two small functions: my_assign picks the nearest centre; my_update "
        "takes the mean of each cluster.",
        "my_assign: argmin of the (n, k) squared distances; my_update: "
        "X[labels == j].mean(axis=0), but an empty cluster needs a point.",
        "See selfcheck.hint('assign', 3) and selfcheck.hint('update', 3).",
    ],
    "ch2-ex-restarts": [
        "p is the share of the 100 starts whose WCSS is within 0.1 % of the "
        "best.",
        "All n starts miss with probability (1 - p)^n: solve (1 - p)^n <= "
        "0.01 for n.",
        "n_init = ceil(log(0.01) / log(1 - p)); answer = (p, n_init)",
    ],
    "ch2-ex-scale": [
        "Standardise every column separately (axis=0).",
        "Subtract X.mean(axis=0), divide by X.std(axis=0).",
        "return (X - X.mean(axis=0)) / X.std(axis=0)",
    ],
    "ch3-ex-by-hand": [
        "With the first centre at 0, D(x)^2 is x^2 for each point.",
        "Divide each D^2 by their sum; for the third centre, D is the "
        "distance to the nearer of 0 and 10.",
        "answer = ([0, 1/105, 4/105, 100/105], [0, 1/5, 4/5, 0])",
    ],
    "ch3-ex-farthest": [
        "Keep a list of chosen rows, starting with first.",
        "At each step take the point whose distance to its nearest chosen "
        "centre is largest (kmlib.nearest gives those distances).",
        "chosen.append(int(np.argmax(kmlib.nearest(X, X[chosen])[1]))) "
        "k - 1 times; return X[chosen]",
    ],
    "ch3-ex-restarts": [
        "Count, for each seed, whether kmlib.kmeans reaches best25.",
        "Compare the total number of Lloyd iterations of both settings.",
        "One k-means++ start usually beats ten random ones here.",
    ],
    "ch3-ex-bound": [
        "The seeding cost is the WCSS of the points to the seeds alone.",
        "Average seeding cost / best over 200 seeds, for both spreads.",
        "Tight, far-apart clusters make an unlucky draw expensive.",
    ],
    "ch4-ex-by-hand": [
        "a(i): the mean distance to the other points of its own cluster.",
        "b(i): the mean distance to the points of the other cluster; s = "
        "(b - a) / max(a, b).",
        "For 3: a = 2, b = 5; for 7: a = 2, b = 16/3.",
    ],
    "ch4-ex-gap": [
        "Call gap_statistic twice, with reference='uniform' and 'pca'.",
        "Look at how the uniform box compares with the shape of iris.",
        "Long, thin data make uniform references far more spread out.",
    ],
    "ch4-ex-ch": [
        "Compute both scores for every K in by_k_o.",
        "Calinski-Harabasz: the largest is best; Davies-Bouldin: the smallest.",
        "Take np.argmax of the CH scores and np.argmin of the DB scores.",
    ],
    "ch5-ex-core-count": [
        "A core point has at least m points within eps, itself included.",
        "k_distance leaves the point itself out, so use k = m - 1.",
        "For each eps: dbscan(X_moons, eps, 5, return_core=True)[1].sum().",
    ],
    "ch5-ex-noise": [
        "Choose eps at the knee of the k-distance plot of the combined data.",
        "The added points are the last 60 rows.",
        "count = (dbscan(Xn, eps, m)[300:] == -1).sum(); answer = (eps, m, "
        "count)",
    ],
    "ch5-ex-circles": [
        "The rings are thin and well separated: eps must be smaller than "
        "the gap between them.",
        "Try eps between 0.1 and 0.3 with min_samples around 5.",
        "answer = (0.2, 5)",
    ],
    "ch6-ex-grey": [
        "All three channels equal the column index 0..255.",
        "Quantize with sample_size=None for K = 2, ..., 32 and compute mse.",
        "ratios = errors[:-1] / errors[1:]",
    ],
    "ch6-ex-db": [
        "PSNR = 10 log10(255^2) - 10 log10(MSE).",
        "Doubling K divides the MSE by 2^(2/d).",
        "Each doubling adds (2/d) * 10 * log10(2) dB: compute it for d = "
        "1, 2, 3.",
    ],
    "ch6-ex-shared": [
        "Stack the two images and fit one palette.",
        "Compare each image's MSE with its own 64-colour palette.",
        "A shared palette spends colours on both images.",
    ],
    "ch7-ex-passes": [
        "Time = passes x 100 s. How many passes does each seeding make?",
        "k-means++ draws its first centre without a pass and needs one pass "
        "per centre after it; k-means|| needs one pass per round, plus one "
        "to weight the candidates.",
        "kmlib.kmeans_parallel(...).n_passes counts k-means||'s passes; the "
        "answer is ((1000 - 1) * 100, n_passes * 100), in seconds.",
    ],
    "ch1-ex-try-tie": [
        "Halfway between c0 and c1 is their mean, (c0 + c1) / 2.",
        "From the start (2.5, 2), count the arrow steps of 0.25 to the "
        "midpoint; then compare the two distances the widget shows.",
        "kmlib.nearest([[3, 4.25]], centers3): equal distances, and a tie "
        "goes to the lowest index.",
    ],
    "ch2-ex-try-same-spot": [
        "With two centres on one spot, every point is equally near to both: "
        "which index wins a tie?",
        "The second twin gets no point. Read help(kmlib.update) for what "
        "happens to an empty cluster.",
        "Compare kmlib.update(X, labels, 3, centers=C) with "
        "kmlib.lloyd(X, C, record=True).history[1].centers.",
    ],
    "ch4-ex-try-three-scores": [
        "On each data set, read the K at the bend of the WCSS curve and at "
        "the top of the silhouette curve.",
        "kmlib.knee finds the bend by a rule; the gap statistic's answer is "
        "gap.best_k.",
        "Only the gap statistic can answer K = 1: look at 'no structure'.",
    ],
    "ch5-ex-try-three": [
        "Slide eps up from its lowest value with min_samples = 5 and watch "
        "the number of clusters.",
        "In code: loop eps over np.arange(1, 41) / 10 and count the clusters "
        "with dbscan(X_noisy, eps, 5).max() + 1.",
        "Noise among the added points: (labels[300:] == -1).sum(); among the "
        "blob points: (labels[:300] == -1).sum().",
    ],
    "ch6-ex-try-30db": [
        "Slide K up until the PSNR shown is above 30 dB.",
        "The widget's numbers are in palette_widget.data['stops'] (k, psnr).",
        "storage_cost(width * height, k)['bits_per_pixel'], with the "
        "widget's image size.",
    ],
}

#: Exercises checked by one checker use that checker's hints.
ALIASES = {
    "ch1-ex-euclidean": "euclidean",
    "ch1-ex-nearest": "nearest",
    "ch2-ex-own-loop": "lloyd",
    "ch3-ex-own-plusplus": "kmeans_plusplus",
    "ch4-ex-own-silhouette": "silhouette_samples",
    "ch5-ex-own-dbscan": "dbscan",
    "ch6-ex-own-quantize": "quantize",
    "ch7-ex-step": "minibatch_step",
    "ch7-ex-map": "map_chunk",
}
