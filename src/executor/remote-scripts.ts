// Fixed bash programs the executor sends for its own work on a host. Their inputs come in
// through the environment and stdin, like every step's, so nothing secret is on a command line.

/** Marker lines the file writer prints; the executor reads them instead of logging them. */
export const FILE_CHANGED = '@@runbook-file changed';
export const FILE_UNCHANGED = '@@runbook-file unchanged';

/**
 * Write stdin to $RB_PATH atomically: a temp file in the same directory, mode and owner set,
 * flushed, then renamed over the target; nothing is touched when content, mode and owner
 * already match.
 */
export const WRITE_FILE_SCRIPT = `
target=$RB_PATH
dir=$(dirname -- "$target")
mkdir -p -- "$dir"
tmp=$(mktemp -- "$dir/.runbook.XXXXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
if [ -n "$RB_MODE" ]; then chmod -- "$RB_MODE" "$tmp"
elif [ -e "$target" ]; then chmod --reference="$target" -- "$tmp"
else chmod 0644 -- "$tmp"; fi
if [ -n "$RB_OWNER" ]; then chown -- "$RB_OWNER" "$tmp"
elif [ -e "$target" ]; then chown --reference="$target" -- "$tmp"; fi
if [ -f "$target" ] && cmp -s -- "$tmp" "$target" \\
  && [ "$(stat -c %a:%u:%g -- "$tmp")" = "$(stat -c %a:%u:%g -- "$target")" ]; then
  echo '${FILE_UNCHANGED}'
  exit 0
fi
sync -- "$tmp"
mv -f -- "$tmp" "$target"
sync -- "$dir"
echo '${FILE_CHANGED}'
`;

/** Can this host fetch $RB_PROBE_URL (a repository's Release file)? Tries curl, wget, apt-helper. */
export const PROBE_URL_SCRIPT = `
url=$RB_PROBE_URL
if command -v curl >/dev/null; then
  curl -fsS --max-time 10 -o /dev/null -- "$url"
elif command -v wget >/dev/null; then
  wget -q -T 10 -t 1 -O /dev/null -- "$url"
else
  out=$(mktemp)
  trap 'rm -f -- "$out"' EXIT
  timeout 15 /usr/lib/apt/apt-helper download-file "$url" "$out"
fi
`;
