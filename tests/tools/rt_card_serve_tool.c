/* rt_card_serve_tool — `rsptest card serve` as a stand-alone test program.
 *
 * The engine self-test of PC/SC (tests/engine/test_pcsc_vpcd.sh) needs the software card
 * even while the rsptest binary is being reworked by others; this program runs exactly
 * the shipped command code (cli/cmd_card.c, compiled in here because the CLI files are
 * not part of the rtcore library). Usage as `rsptest card ...`:
 *   rt_card_serve_tool serve [--vpcd HOST:PORT] [--eid DIGITS] [--t0-get-response[=N]] [-v] */
#include "cli/cmd_card.c"

int main(int argc, char **argv)
{
	if (argc > 0)
		argv[0] = (char *)(uintptr_t)"card";
	return rt_cmd_card(argc, argv);
}
