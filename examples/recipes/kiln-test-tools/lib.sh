# Shared by Kiln's test tools (sourced, never run): the installed apk database, command-line
# options in the forms the tools accept, and the PASS/FAIL tally. POSIX sh and busybox only, since
# the tools run in test guests that may hold nothing else.
#
# KILN_TEST_ROOT (empty in a guest) is where the package files are found; the tests point it at a
# fixture tree. APK_INSTALLED is the database, by default the one under that root.

KILN_TEST_ROOT=${KILN_TEST_ROOT:-}
APK_INSTALLED=${APK_INSTALLED:-$KILN_TEST_ROOT/lib/apk/db/installed}

passes=0
fails=0

info() { echo "INFO[$TOOL]: $*"; }
pass() { passes=$((passes + 1)); echo "PASS[$TOOL]: $*"; }
fail() { fails=$((fails + 1)); echo "FAIL[$TOOL]: $*"; }
# Usage and environment errors stop the tool at once (exit 2), before any check.
die() { echo "ERROR[$TOOL]: $*" >&2; exit 2; }

# Prints the tally and exits 1 when any check failed.
finish() {
    echo "$TOOL: $passes passed, $fails failed"
    [ "$fails" -eq 0 ]
    exit $?
}

# parse_options "name1 name2 …" ARGS…: each --name=value or --name value sets opt_name (dashes
# become underscores); any other --option is an error; other arguments are kept, in order, in
# arg_1 … arg_N with N in nargs.
parse_options() {
    known=" $1 "
    shift
    nargs=0
    while [ $# -gt 0 ]; do
        case $1 in
        --)
            shift
            break
            ;;
        --*=*)
            name=${1%%=*}
            value=${1#*=}
            ;;
        --*)
            name=$1
            [ $# -ge 2 ] || die "option $1 needs a value"
            value=$2
            shift
            ;;
        *)
            nargs=$((nargs + 1))
            eval "arg_$nargs=\$1"
            shift
            continue
            ;;
        esac
        name=${name#--}
        case $known in
        *" $name "*) ;;
        *) die "unknown option --$name (known:$(printf ' --%s' $known))" ;;
        esac
        eval "opt_$(echo "$name" | tr - _)=\$value"
        shift
    done
    while [ $# -gt 0 ]; do
        nargs=$((nargs + 1))
        eval "arg_$nargs=\$1"
        shift
    done
}

# require_bool NAME VALUE: melange passes true/false; anything else is a mistake in the recipe.
require_bool() {
    case $2 in
    true | false) ;;
    *) die "--$1 must be 'true' or 'false', found '$2'" ;;
    esac
}

# The installed database's records are blank-line separated; P: names the package.
require_db() {
    [ -r "$APK_INSTALLED" ] || die "no installed apk database at $APK_INSTALLED (the test environment is not installed from packages)"
}

pkg_installed() {
    require_db
    awk -v p="P:$1" '$0 == p { found = 1; exit } END { exit !found }' "$APK_INSTALLED"
}

require_pkg() {
    pkg_installed "$1" || die "package '$1' is not installed (no 'P:$1' record in $APK_INSTALLED)"
}

# pkg_files PKG: every path (no leading slash) that PKG installed other than directories, one a line,
# as 'apk info -qL PKG' prints them.
pkg_files() {
    require_pkg "$1"
    awk -v p="$1" '
        /^$/ { in_pkg = 0; next }
        /^P:/ { in_pkg = (substr($0, 3) == p); dir = ""; next }
        in_pkg && /^F:/ { dir = substr($0, 3); next }
        in_pkg && /^R:/ { name = substr($0, 3); print (dir == "" ? name : dir "/" name) }
    ' "$APK_INSTALLED"
}

# pkg_field PKG LETTER: the value of one field of PKG's record (T: description, D: dependencies,
# p: provides, V: version); empty when absent.
pkg_field() {
    require_pkg "$1"
    awk -v p="$1" -v f="$2:" '
        /^$/ { in_pkg = 0; next }
        /^P:/ { in_pkg = (substr($0, 3) == p); next }
        in_pkg && index($0, f) == 1 { print substr($0, length(f) + 1) }
    ' "$APK_INSTALLED"
}

# The SBOM that every Kiln and melange package carries is not content for the shape checks.
without_sbom() {
    grep -v '^var/lib/db/sbom/'
}

# installed_providers NAME: the installed packages whose provides name NAME (with or without a version).
installed_providers() {
    require_db
    awk -v n="$1" '
        /^P:/ { pkg = substr($0, 3); next }
        /^p:/ {
            k = split(substr($0, 3), atoms, " ")
            for (i = 1; i <= k; i++) {
                a = atoms[i]
                sub(/[=<>~].*/, "", a)
                if (a == n) { print pkg; break }
            }
        }
    ' "$APK_INSTALLED"
}
