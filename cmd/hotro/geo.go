package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hotro/internal/auth"
	"hotro/internal/config"
	"hotro/internal/geo"
)

// geoCmd: hotro geo import FILE.geojson --attribution "...". It loads a city's own ward boundaries
// (a GeoJSON FeatureCollection, each feature a Polygon or MultiPolygon with the ward's official code
// in its property `code`, or `ma`, or `ward_code`) with the attribution their licence asks for,
// replacing any boundaries loaded before, all or nothing. The dashboard then draws the wards as a
// choropleth with that attribution instead of the tile map. Recorded as "cli".
func geoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var attribution string
	cfg, rest, err := load(config.Geo, args, getenv, stdout,
		config.String("attribution", "TEXT", "who made the boundaries and under which licence, shown with the map", &attribution))
	if err != nil {
		return err
	}
	if len(rest) != 2 || rest[0] != "import" {
		return errors.New("usage: hotro geo import FILE.geojson --attribution \"...\" (hotro geo -h)")
	}
	file := rest[1]
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if info.Size() > geo.MaxFileBytes {
		return fmt.Errorf("%s: %d MB, larger than the %d MB a boundary file may have", file, info.Size()>>20, geo.MaxFileBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	ctx = auth.WithIdentity(ctx, &auth.Identity{Username: cliActor, Role: auth.Admin, Via: "cli"})
	res, err := geo.Import(ctx, d, data, attribution, filepath.Base(file))
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "loaded the boundaries of %d wards from %s (set %d); the map draws them from now on\n", res.Wards, filepath.Base(file), res.SetID)
	return nil
}
