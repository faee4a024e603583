-- GeoDjango's first migration: the field service app stores technician locations as
-- PostGIS points.
CREATE EXTENSION IF NOT EXISTS postgis;
