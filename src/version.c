/* version.c — the library version and the run-time libsvm check. */
#include <libsvm/svm.h>

#include "internal.h"

/* The LIBSVM_VERSION macro is what we compiled against; libsvm_version is what was loaded. */
const char *stance_version(void) { return STANCE_VERSION_STRING; }

stance_status stance_check_runtime(stance_error *err)
{
    if (libsvm_version != LIBSVM_VERSION)
        return stance__err(err, STANCE_E_INTERNAL, NULL, 0, -1,
                           "libsvm mismatch: compiled against %d, loaded %d", LIBSVM_VERSION, libsvm_version);
    return STANCE_OK;
}
