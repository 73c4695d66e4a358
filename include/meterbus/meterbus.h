/**
 * @file meterbus.h
 * @brief Umbrella header: everything meterbus offers. Include the per-layer headers instead to
 *        keep a translation unit's view small.
 */
#ifndef MB_METERBUS_H
#define MB_METERBUS_H

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/version.h"

#include "meterbus/aes.h"
#include "meterbus/compact.h"
#include "meterbus/hal.h"
#include "meterbus/json.h"
#include "meterbus/link.h"
#include "meterbus/master.h"
#include "meterbus/records.h"
#include "meterbus/scan.h"
#include "meterbus/security.h"
#include "meterbus/slave.h"
#include "meterbus/tpl.h"
#include "meterbus/wlink.h"
#include "meterbus/wradio.h"

#endif /* MB_METERBUS_H */
