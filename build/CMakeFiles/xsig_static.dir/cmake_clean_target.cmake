file(REMOVE_RECURSE
  "libxsig.a"
)
