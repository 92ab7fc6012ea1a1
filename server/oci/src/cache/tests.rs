//! The cache: verified blobs, tag mappings with a time to live, concurrent writers, an unwritable directory.
