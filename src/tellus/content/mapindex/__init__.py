"""Server-side clusters for the content map: NumPy arrays of (id, lon, lat) in, clusters out.

The map asks for ``clusters(bbox, zoom)`` and gets clusters (count, centre,
a stable id, the zoom at which each splits) and single points (their ids), as
supercluster would give them: a radius in pixels at a tile size of 256 or 512,
greedy grouping around seeds, count-weighted centroids, zooms min_zoom to
max_zoom clustered and every point shown beyond max_zoom. How the hierarchy
is built is told in ``_build``; how it is queried, changed and shared in
``index``. It knows nothing of Django: the content app hands it the positions
it may show, coarsened with :func:`coarsen` where the contributor did not allow
the exact location.

Why our own code. Supercluster itself is JavaScript, and we need the clusters
on the server (a million items; the browser should get only what it shows).
The Python packages checked: pysupercluster (a C++ port, last released in
2022, no way to add or remove a point, no serialisation), anycluster (needs
GeoDjango and PostGIS; our embedded setup runs on SQLite), geocluster and
django-geohash-cluster (unmaintained since 2014 and 2017), h3 and the geohash
packages (cell ids, not marker clustering: no centroids, expansion zooms or
hierarchy). None fits, so this is written on NumPy and SciPy's k-d tree.

The algorithm: supercluster's greedy grouping, made vectorised. At each zoom,
from the top, the items of the zoom above are pooled in grid cells a quarter
of the radius wide, neighbours within the radius are found with
``scipy.spatial.cKDTree``, seeds are chosen greedily by a hash of the ids in
parallel rounds (the same result as the sequential greedy pass), every other
item joins its best seed, and clusters get count-weighted centroids. Each
zoom's items are kept sorted by (row of a quarter tile, x), so a view is a few
binary searches and one gather. Points are stored in depth-first order of the
hierarchy, so a cluster's points are one contiguous range; removing points is
then answered at query time by binary search, and added points join the
nearest cluster: an overlay until the next rebuild.
"""

from ._geo import MAX_POINT_ID
from .index import ClusterOptions, MapIndex, MapView
from .privacy import coarsen

__all__ = ["MAX_POINT_ID", "ClusterOptions", "MapIndex", "MapView", "coarsen"]
