-- SPDX-License-Identifier: Apache-2.0
-- sgp02 — SGP.02 constants as data, shared by the step library and test cases.
--
-- AIDs: SGP.02 Annex H (as quoted by osmocom/pysim euicc.py and bagyenda/njiwa; see
-- docs/sgp02-facts.md §4.1). TAR of the ISD-R: AID bytes 13–15 (TS 101 220
-- convention, facts §1.10). Values are hex strings because that is how test cases
-- write them; steps decode them with bytes.hexarg.
local M = {}

M.vars = {
  ISD_R_AID = "A0000005591010FFFFFFFF8900000100",
  ECASD_AID = "A0000005591010FFFFFFFF8900000200",
  ISD_P_ELF_AID = "A0000005591010FFFFFFFF8900000D00",
  ISD_P_MODULE_AID = "A0000005591010FFFFFFFF8900000E00",
  TAR_ISD_R = "000001",
  -- An AID under the SGP.02 RID that no eUICC application uses (for 6A82 cases).
  UNKNOWN_AID = "A0000005591010FFFFFFFF8900FFFF00",
}

-- GP CS 11.3 / SGP.02 5.1 (facts §5.1): EID is read from the ECASD with GET DATA tag 5A.
M.TAG_EID = 0x5A

return M
