file(REMOVE_RECURSE
  "CMakeFiles/xsig.dir/tools/xsig.c.o"
  "CMakeFiles/xsig.dir/tools/xsig.c.o.d"
  "xsig"
  "xsig.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xsig.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
