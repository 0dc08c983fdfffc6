# Empty dependencies file for xsig_static.
# This may be replaced when dependencies are built.
