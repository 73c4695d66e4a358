/* Includes the configuration header alone; the tests compile it with out-of-range knobs. */
#include "meterbus/config.h"

typedef int config_included;
