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
# Grey-value scans (test/io/tiff_grey.test.ts, test/segment/): grey = 20000 + 1000 * label + 7 * x (uint16)
# as in u16_grey_deflate.tif, re-encoded by libtiff (LZW + predictor, big endian; PackBits); ImageJ
# hyperstacks (tifffile imagej=True, as Fiji saves them); resolution tags; signed and 64-bit float
# stacks; folders of TIFF (tifffile) and 16-bit PNG (Pillow, pHYs) slices; raw + sidecar (numpy tofile).
tiffcp -B -c lzw:2 -r 2 u16_grey_deflate.tif u16_grey_lzw_predictor_be.tif
tiffcp -c packbits -r 4 u16_grey_deflate.tif u16_grey_packbits.tif
/usr/bin/python3 - <<'PY'
import json, os, numpy as np, tifffile
from PIL import Image
z, y, x = np.mgrid[0:3, 0:6, 0:7]
lab = np.fromfile("labels_3x6x7.u8", np.uint8).reshape(3, 6, 7)
grey = (20000 + 1000 * lab + 7 * x).astype(np.uint16)
kw = dict(photometric="minisblack")
res = (1 / 0.325, 1 / 0.325)  # pixels per um: 325 nm voxels (paper 004's CT)
tifffile.imwrite("ij_u16_grey_325nm.tif", grey, imagej=True, resolution=res, metadata={"spacing": 0.325, "unit": "um", "axes": "ZYX"})
tifffile.imwrite("ij_u16_grey_aniso.tif", grey, imagej=True, resolution=res, metadata={"spacing": 0.65, "unit": "um", "axes": "ZYX"})
# a label stack as Fiji saves a segmentation: its calibration is the volume's voxel size
tifffile.imwrite("ij_u8_labels_325nm.tif", lab, imagej=True, resolution=res, metadata={"spacing": 0.325, "unit": "um", "axes": "ZYX"})
# 8-bit grey whose pixel size is in the resolution tags only (pixels per cm), with no slice spacing
tifffile.imwrite("u8_grey_res_cm.tif", (50 + 60 * lab + x).astype(np.uint8), resolution=(1e4 / 0.325, 1e4 / 0.325), resolutionunit="CENTIMETER", **kw)
tifffile.imwrite("i16_grey.tif", (-1000 + 1000 * lab.astype(np.int16) + 7 * x).astype(np.int16), **kw)
tifffile.imwrite("f64_grey_deflate.tif", lab + 0.5 + 0.01 * x, compression="zlib", **kw)
# slice k at z = k, named img_8, img_9, img_10 (natural order, not the sorted one)
for d in ("slices_tif", "slices_png"):
    os.makedirs(d, exist_ok=True)
for k in range(3):
    tifffile.imwrite(f"slices_tif/img_{k + 8}.tif", grey[k], imagej=True, resolution=res, metadata={"unit": "um"})
    Image.fromarray(grey[k]).save(f"slices_png/img_{k + 8}.png", dpi=(0.0254e6 / 0.325,) * 2)
grey.astype(">u2").tofile("raw_u16_be.raw")
json.dump({"shape": [3, 6, 7], "dtype": "uint16", "byteOrder": "big", "voxelSize_m": 3.25e-7}, open("raw_u16_be.json", "w"))
(lab + 0.25).astype("<f4").tofile("raw_f32.raw")
json.dump({"shape": [3, 6, 7], "dtype": "<f4"}, open("raw_f32.json", "w"))
PY
