/* A shared library for tests/inject_live.sh, which overwrites its symbol
 * names and USDT notes with hostile bytes ('* /', line breaks, CR,
 * #define) of the same length: built with placeholder names 96 (symbols)
 * and 64 (USDT) characters long. Calls between its functions are bound
 * inside the library (protected visibility), so no patched name is ever
 * looked up; target's "hostile LIB N" mode calls hostile_run(N), which
 * makes a known number of calls of each:
 *
 *   symbol A  N times      USDT probe A (provider A)        N times
 *   symbol B  2N times     USDT probe hping(i) (provider B) 2N times, i = 0..2N-1
 *   symbol C  3N times
 *   symbol D  4N times
 */
#include <sys/sdt.h>

#define HOSTILE __attribute__((noinline, visibility("protected")))

volatile int hostile_sink;

/* clang-format off */
#define SYM_A cbcc_hostile_sym_A_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define SYM_B cbcc_hostile_sym_B_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define SYM_C cbcc_hostile_sym_C_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define SYM_D cbcc_hostile_sym_D_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define PROV_A cbcc_hostile_prov_A_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define PROBE_A cbcc_hostile_probe_A_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
#define PROV_B cbcc_hostile_prov_B_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
/* clang-format on */

HOSTILE void SYM_A(void)
{
	hostile_sink++;
}

HOSTILE void SYM_B(void)
{
	hostile_sink++;
}

HOSTILE void SYM_C(void)
{
	hostile_sink++;
}

HOSTILE void SYM_D(void)
{
	hostile_sink++;
}

void hostile_run(int n)
{
	for (int i = 0; i < n; i++) {
		SYM_A();
		DTRACE_PROBE(PROV_A, PROBE_A);
		for (int k = 0; k < 2; k++) {
			int v = 2 * i + k;

			SYM_B();
			DTRACE_PROBE1(PROV_B, hping, v);
		}
		for (int k = 0; k < 3; k++)
			SYM_C();
		for (int k = 0; k < 4; k++)
			SYM_D();
	}
}
