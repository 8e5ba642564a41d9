# Sourced by the bench scripts that need the example catalog (packages built from upstream sources by the example
# recipes): sets $catalog to CATALOG or target/example-catalog, which ExampleCatalogIT leaves, and runs that IT
# first when the catalog is not there yet. Expects $root, the repository's root.
catalog=${CATALOG:-$root/target/example-catalog}
if [ ! -f "$catalog/packages/x86_64/APKINDEX.tar.gz" ]; then
  echo "no example catalog in $catalog; building it (slow: compiles hello and busybox)..." >&2
  mvn -q -B -o verify -pl kiln-cli -am -Dtest=NONE -Dit.test=ExampleCatalogIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false >&2
fi
