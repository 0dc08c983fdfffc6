file(REMOVE_RECURSE
  "CMakeFiles/xsig_static.dir/src/error.c.o"
  "CMakeFiles/xsig_static.dir/src/error.c.o.d"
  "CMakeFiles/xsig_static.dir/src/signal.c.o"
  "CMakeFiles/xsig_static.dir/src/signal.c.o.d"
  "CMakeFiles/xsig_static.dir/src/signame.c.o"
  "CMakeFiles/xsig_static.dir/src/signame.c.o.d"
  "CMakeFiles/xsig_static.dir/src/sigset.c.o"
  "CMakeFiles/xsig_static.dir/src/sigset.c.o.d"
  "CMakeFiles/xsig_static.dir/src/status.c.o"
  "CMakeFiles/xsig_static.dir/src/status.c.o.d"
  "CMakeFiles/xsig_static.dir/src/unix/signal.c.o"
  "CMakeFiles/xsig_static.dir/src/unix/signal.c.o.d"
  "CMakeFiles/xsig_static.dir/src/unix/sigtable.c.o"
  "CMakeFiles/xsig_static.dir/src/unix/sigtable.c.o.d"
  "CMakeFiles/xsig_static.dir/src/wait.c.o"
  "CMakeFiles/xsig_static.dir/src/wait.c.o.d"
  "libxsig.a"
  "libxsig.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
