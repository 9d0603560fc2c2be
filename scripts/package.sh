#!/usr/bin/env bash
# Builds a deployable Function Compute code package for one executable product of this package:
#   dist/<product>/bootstrap + dist/<product>/function   (the code directory)
#   dist/<product>.zip                                    (upload as a custom-runtime code zip)
# The binary is a release build with the Swift standard library linked statically, so it runs on a Debian image
# without Swift. Usage: scripts/package.sh [product] [--no-zip]   (product defaults to hello)
set -euo pipefail
cd "$(dirname "$0")/.."
product=hello
make_zip=1
for argument in "$@"; do
  case "$argument" in
    --no-zip) make_zip=0 ;;
    -*) echo "usage: scripts/package.sh [product] [--no-zip]" >&2; exit 2 ;;
    *) product=$argument ;;
  esac
done

swift build -c release --static-swift-stdlib --product "$product"
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/$product"
code_dir="dist/$product"
rm -rf "$code_dir" && mkdir -p "$code_dir"
cp "$binary" "$code_dir/function"
cp bootstrap "$code_dir/bootstrap"
chmod 755 "$code_dir/bootstrap" "$code_dir/function"
strip "$code_dir/function" 2>/dev/null || true

# Everything the binary needs must come with any Debian image: libc, libm, libstdc++, libgcc_s, the loader.
if command -v ldd >/dev/null; then
  unexpected=$(ldd "$code_dir/function" | awk '{print $1}' \
    | grep -vE '^(linux-vdso\.so|/lib64/ld-linux|/lib/ld-linux|ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so|libpthread\.so|libdl\.so|librt\.so|libutil\.so)' || true)
  if [ -n "$unexpected" ]; then
    echo "error: $product links libraries a plain Debian image may not have:" >&2
    echo "$unexpected" >&2
    exit 1
  fi
fi

if [ "$make_zip" = 1 ]; then
  rm -f "dist/$product.zip"
  # Python's zipfile keeps the executable bits FC needs on bootstrap.
  (cd "$code_dir" && python3 -m zipfile -c "../$product.zip" bootstrap function)
  echo "code zip: dist/$product.zip ($(du -h "dist/$product.zip" | cut -f1))"
fi
echo "code directory: $code_dir ($(du -sh "$code_dir" | cut -f1))"
