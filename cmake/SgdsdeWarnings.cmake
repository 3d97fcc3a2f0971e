# Warnings on everywhere; -Werror when SGDSDE_WERROR (CI and scripts/test turn it on).
function(sgdsde_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
                         $<$<BOOL:${SGDSDE_WERROR}>:-Werror>
                         # GCC 12 false positives inside avx512fintrin.h on Eigen reductions and
                         # products under -march=native (GCC bug 105593, fixed in GCC 13).
                         $<$<AND:$<BOOL:${SGDSDE_NATIVE}>,$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-uninitialized -Wno-maybe-uninitialized>)
endfunction()

# Code generation shared by every target: native ISA, sanitizers.
function(sgdsde_set_codegen target)
  if(SGDSDE_NATIVE)
    target_compile_options(${target} PUBLIC -march=native)
  endif()
  # Lets libmvec vectorise exp/log/sin/cos in the particle loops; no -ffast-math, so
  # results keep IEEE semantics (NaN checks stay valid).
  target_compile_options(${target} PUBLIC -fno-math-errno)
  if(SGDSDE_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()
