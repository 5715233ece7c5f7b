"""Datasets for nnviz: IDX and image files, the dataset registry, augmentation and drawing preprocessing."""

from nnviz.data.augment import augment_images, make_augmenter, rotate_images
from nnviz.data.csv_data import load_csv_dataset
from nnviz.data.datasets import (
    DATASETS,
    IMAGE_SHAPES,
    TITLES,
    TOY_DATASETS,
    VARIABLE_CLASSES,
    Dataset,
    idx_files,
    idx_image_shape,
    load_dataset,
    load_idx_folder,
    split_validation,
    verify_checksums,
)
from nnviz.data.drawing import NothingDrawn, preprocess_drawing
from nnviz.data.idx import IDXError, read_idx, write_idx
from nnviz.data.image_file import load_image_file
from nnviz.data.image_folder import load_image_folder, read_labelled_images
from nnviz.data.toy import TOY_DEFAULTS, xor_points

__all__ = [
    "DATASETS",
    "IMAGE_SHAPES",
    "TITLES",
    "TOY_DATASETS",
    "TOY_DEFAULTS",
    "VARIABLE_CLASSES",
    "Dataset",
    "IDXError",
    "NothingDrawn",
    "augment_images",
    "idx_files",
    "idx_image_shape",
    "load_csv_dataset",
    "load_dataset",
    "load_idx_folder",
    "load_image_file",
    "load_image_folder",
    "make_augmenter",
    "preprocess_drawing",
    "read_idx",
    "read_labelled_images",
    "rotate_images",
    "split_validation",
    "verify_checksums",
    "write_idx",
    "xor_points",
]
