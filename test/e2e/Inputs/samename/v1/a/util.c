/* Counts by 1 from 0. */
static int count;

static int bump(int by) {
  count += by;
  return count;
}

int a_tick(void) { return bump(1); }
