/* Counts by 1 from 100; v2 counts by 10 (the test derives it with sed). */
static int count = 100;

static int bump(int by) {
  count += by;
  return count;
}

int b_tick(void) { return bump(1); }
