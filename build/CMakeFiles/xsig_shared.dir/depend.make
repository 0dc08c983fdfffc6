# Empty dependencies file for xsig_shared.
# This may be replaced when dependencies are built.
