#!/usr/bin/env bash
# Resize one image with libvips (Debian libvips-tools): a second reference
# beside Pillow.
#
#   bench/anchors/resize/vips_resize.sh IN OUT WIDTH HEIGHT [KERNEL] [GAP]
#
# KERNEL: nearest | linear | cubic | mitchell | lanczos2 | lanczos3 (default)
#         (cubic is Catmull-Rom; corescale's names linear, catmullrom,
#         mitchell, lanczos2, lanczos3 are accepted).
# GAP:    libvips' reducing gap: 0 (the default here) for the exact filter on
#         the whole factor; 2.0 is what a bare `vips resize` uses, an integer
#         box shrink first, like Pillow's reducing_gap.
#
# The scales are WIDTH/in_width and HEIGHT/in_height (`vips resize` --vscale);
# the script checks that libvips made exactly WIDTHxHEIGHT. Images with alpha
# are premultiplied while filtering (vips_resize does it itself). libvips
# works on 8-bit images in fixed point, so expect about a level of difference
# from Pillow (the 49 dB is what such independent implementations
# reach with each other).
set -euo pipefail
if [ $# -lt 4 ]; then
	sed -n '2,/^set/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
in=$1 out=$2 w=$3 h=$4 kernel=${5:-lanczos3} gap=${6:-0}
case $kernel in
catmullrom | bicubic) kernel=cubic ;;
bilinear) kernel=linear ;;
lanczos) kernel=lanczos3 ;;
nearest | linear | cubic | mitchell | lanczos2 | lanczos3) ;;
*)
	echo "vips_resize: unknown kernel $kernel" >&2
	exit 2
	;;
esac
command -v vips >/dev/null || {
	echo "vips_resize: vips not installed (apt-get install libvips-tools)" >&2
	exit 2
}
iw=$(vipsheader -f width "$in")
ih=$(vipsheader -f height "$in")
hs=$(awk -v a="$w" -v b="$iw" 'BEGIN { printf "%.17g", a / b }')
vs=$(awk -v a="$h" -v b="$ih" 'BEGIN { printf "%.17g", a / b }')
vips resize "$in" "$out" "$hs" --vscale "$vs" --kernel "$kernel" --gap "$gap"
ow=$(vipsheader -f width "$out")
oh=$(vipsheader -f height "$out")
if [ "$ow" != "$w" ] || [ "$oh" != "$h" ]; then
	echo "vips_resize: libvips made ${ow}x${oh}, not ${w}x${h}" >&2
	exit 1
fi
