file(REMOVE_RECURSE
  "CMakeFiles/xsig-worker.dir/examples/worker.c.o"
  "CMakeFiles/xsig-worker.dir/examples/worker.c.o.d"
  "xsig-worker"
  "xsig-worker.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig-worker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
