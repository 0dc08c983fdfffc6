# Empty dependencies file for xsig-worker.
# This may be replaced when dependencies are built.
