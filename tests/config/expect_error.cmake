# Compile SOURCE with DEFINE and expect the build to stop with MESSAGE (an #error of config.h).
#   cmake -DCC=... -DINCLUDE=... -DSOURCE=... -DDEFINE=... -DMESSAGE=... -P expect_error.cmake
execute_process(
  COMMAND ${CC} -std=c99 -fsyntax-only -I${INCLUDE} -D${DEFINE} ${SOURCE}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "-D${DEFINE} compiled, but config.h should have refused it")
endif()
string(FIND "${output}" "${MESSAGE}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "-D${DEFINE} failed without the expected message '${MESSAGE}':\n${output}")
endif()
