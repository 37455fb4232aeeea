/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_test_pki — the reference eUICC's default ECASD personality (TEST ONLY keys from
 * certs/p256, written by certs/make-test-pki.sh into rt_euicc_test_pki.c). */
#ifndef RT_EUICC_TEST_PKI_H
#define RT_EUICC_TEST_PKI_H

#include "roles/euicc/rt_euicc.h"

/* Sets cfg's ECASD fields (curve P-256, SK.ECASD.ECKA, CERT.ECASD.ECKA, PK.CI.ECDSA and
 * its curve) to the test PKI's values. Nothing is allocated. */
void rt_euicc_test_pki_default(struct rt_euicc_config *cfg);

#endif
