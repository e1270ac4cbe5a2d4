#!/bin/sh
# Makes the TIFF fixtures of test/io/tiff.test.ts with independent writers: tifffile (Python, numpy;
# Debian: python3-tifffile) for Deflate, 16-bit, float and big-endian stacks, and libtiff's tiffcp
# (Debian: libtiff-tools) for LZW, PackBits and predictors. Run in this folder; the outputs are committed.
set -e
/usr/bin/python3 - <<'PY'
import numpy as np, tifffile
z, y, x = np.mgrid[0:3, 0:6, 0:7]
lab = ((z * 7 + y * 3 + x) % 3).astype(np.uint8)  # phase codes 0, 1, 2
lab.tofile("labels_3x6x7.u8")                      # the truth, raw C order
# minisblack: else tifffile takes a leading axis of 3 for planar RGB
kw = dict(photometric="minisblack")
tifffile.imwrite("u8_none.tif", lab, rowsperstrip=2, **kw)
tifffile.imwrite("u8_deflate.tif", lab, compression="zlib", rowsperstrip=2, **kw)
tifffile.imwrite("u16_labels_deflate.tif", lab.astype(np.uint16), compression="zlib", **kw)
tifffile.imwrite("u16_labels_be.tif", lab.astype(">u2"), **kw)
tifffile.imwrite("f32_labels_deflate.tif", lab.astype(np.float32), compression="zlib", **kw)
grey = (20000 + 1000 * lab + 7 * x).astype(np.uint16)  # a scan: grey values, not phase codes
tifffile.imwrite("u16_grey_deflate.tif", grey, compression="zlib", **kw)
tifffile.imwrite("f32_grey.tif", (lab + 0.25).astype(np.float32), **kw)
PY
tiffcp -c lzw -r 2 u8_none.tif u8_lzw.tif
tiffcp -c packbits -r 2 u8_none.tif u8_packbits.tif
tiffcp -B -c lzw:2 -r 3 u16_labels_be.tif u16_labels_lzw_predictor_be.tif
tiffcp -c zip:2 u16_labels_deflate.tif u16_labels_deflate_predictor.tif
rm u16_labels_deflate.tif
