# shellcheck shell=bash
# Sourced by the bin/ launchers (deltaq, bench, jmh), never run: builds a module and what it depends
# on when needed, and gives the class path to run it with. No fat jar: a launcher runs the module's
# target/classes plus the target/classpath.txt its pom writes (maven-dependency-plugin build-classpath).
# Build output goes to stderr so that stdout stays the command's.
#
#   build_if_needed ROOT MODULE LABEL   ROOT is the repository; LABEL prefixes the build messages
#   run_classpath ROOT MODULE           prints MODULE/target/classes:<its runtime dependencies>

# True when MODULE's build is missing, or a pom or anything under any module's src/ is newer than it.
_deltaq_needs_build() {
    local root=$1 target=$2 stamp=$3
    [[ -f $stamp && -f $target/classpath.txt && -d $target/classes ]] || return 0
    local newer
    newer=$(find "$root" -maxdepth 1 -name pom.xml -newer "$stamp" -print -quit)
    [[ -z $newer ]] || return 0
    newer=$(find "$root" -mindepth 2 -maxdepth 2 -name pom.xml -newer "$stamp" -print -quit)
    [[ -z $newer ]] || return 0
    local src
    for src in "$root"/*/src; do
        [[ -d $src ]] || continue
        newer=$(find "$src" -newer "$stamp" -print -quit)
        [[ -z $newer ]] || return 0
    done
    return 1
}

_deltaq_build() {
    local root=$1 module=$2 label=$3 target=$4 stamp=$5
    mkdir -p "$target"
    # Stamp the start: a source saved during the build is newer than the stamp and rebuilds next time.
    touch "$stamp.new"
    echo "$label: building (mvn package -pl $module -am) ..." >&2
    local mvn=(mvn -B -q -f "$root/pom.xml" package -DskipTests -pl "$module" -am)
    if ! "${mvn[0]}" -o "${mvn[@]:1}" >&2; then
        echo "$label: offline build failed; retrying online" >&2
        "${mvn[@]}" >&2
    fi
    mv -f "$stamp.new" "$stamp"
}

build_if_needed() {
    local root=$1 module=$2 label=$3
    local target="$root/$module/target"
    local stamp="$target/.launcher-build-stamp"
    _deltaq_needs_build "$root" "$target" "$stamp" || return 0
    mkdir -p "$target"
    if command -v flock >/dev/null 2>&1; then
        # Two launchers started together build once; the second finds the build done. One lock for
        # every module: bin/deltaq, bin/bench and bin/jmh build overlapping modules (-am).
        mkdir -p "$root/target"
        local lock
        exec {lock}>"$root/target/.launcher-build.lock"
        flock "$lock"
        if _deltaq_needs_build "$root" "$target" "$stamp"; then
            _deltaq_build "$root" "$module" "$label" "$target" "$stamp"
        fi
        exec {lock}>&-
    else
        _deltaq_build "$root" "$module" "$label" "$target" "$stamp"
    fi
}

run_classpath() {
    local target="$1/$2/target"
    printf '%s:%s' "$target/classes" "$(<"$target/classpath.txt")"
}
