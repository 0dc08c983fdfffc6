file(REMOVE_RECURSE
  "CMakeFiles/xsig_shared.dir/src/error.c.o"
  "CMakeFiles/xsig_shared.dir/src/error.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/signal.c.o"
  "CMakeFiles/xsig_shared.dir/src/signal.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/signame.c.o"
  "CMakeFiles/xsig_shared.dir/src/signame.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/sigset.c.o"
  "CMakeFiles/xsig_shared.dir/src/sigset.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/status.c.o"
  "CMakeFiles/xsig_shared.dir/src/status.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/unix/signal.c.o"
  "CMakeFiles/xsig_shared.dir/src/unix/signal.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/unix/sigtable.c.o"
  "CMakeFiles/xsig_shared.dir/src/unix/sigtable.c.o.d"
  "CMakeFiles/xsig_shared.dir/src/wait.c.o"
  "CMakeFiles/xsig_shared.dir/src/wait.c.o.d"
  "libxsig.pdb"
  "libxsig.so"
  "libxsig.so.0"
  "libxsig.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig_shared.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
