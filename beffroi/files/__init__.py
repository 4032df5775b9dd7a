"""The drive: personal and department spaces, folders, files, versions and their blobs."""
