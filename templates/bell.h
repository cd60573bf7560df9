/* The names of the reader's bell's tables, shared by templates/bell.c and
 * lib/runtime/runtime.c (rt_poll); no layout to pin. User space writes 1 into
 * element 0 of BELL_ARMED_TABLE to arm it; the next event writes one u32
 * into the running CPU's buffer of BELL_TABLE, whose reader wakes at every
 * record. */
#ifndef CBCC_BELL_H
#define CBCC_BELL_H

#define BELL_TABLE "cbcc_bell"
#define BELL_ARMED_TABLE "cbcc_bell_armed"

#endif
