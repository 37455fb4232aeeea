/* rt_cli — the card subcommand's prototype. cli/rt_cmd.h (the engine owner's header)
 * declares every subcommand with the shared exit codes; this header repeats the card
 * one so that both stay checked against cmd_card.c, and can go once nothing includes it.
 * A subcommand takes argv with argv[0] = its own name ("card") and returns the process
 * exit status (0 success, 1 failure, 2 usage error). */
#ifndef RT_CLI_H
#define RT_CLI_H

/* rsptest card serve [--vpcd HOST:PORT] [--eid DIGITS] [--atr HEX]
 * [--t0-get-response[=N]] [-v]: runs rsptest's software eUICC as the card in vpcd's
 * virtual reader until SIGINT or SIGTERM (harness/cli/cmd_card.c). */
int rt_cmd_card(int argc, char **argv);

#endif
