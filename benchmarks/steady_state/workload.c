/* workload.c: a CPU-bound program for measuring the steady-state cost of
 * hcu's instrumentation (benchmarks/steady_state/).
 *
 *   workload [N [ROUNDS]]     prints "checksum <value>"
 *
 * Each round: fills an array of N pseudo-random numbers, sorts it with a
 * recursive quicksort that compares through a function pointer, checks and
 * hashes the result (a small function called once per element, with an
 * inner loop), builds a binary search tree from part of it (recursive insert)
 * and sums it (recursive walk), and runs a tiny stack-machine interpreter
 * whose opcodes are functions dispatched through a table of pointers.
 *
 * Written within what hcu-transform accepts today: every call of one of this
 * file's functions is a statement of its own, with side-effect-free
 * arguments. The checksum lets the runner check that the plain and the
 * instrumented build compute the same thing. */
#include <stdio.h>
#include <stdlib.h>

struct node {
  unsigned key;
  unsigned count;
  struct node *left;
  struct node *right;
};

struct vm {
  long stack[64];
  int sp;
  int pc;
  long acc;
};

typedef int (*compare_fn)(unsigned, unsigned);
typedef void (*op_fn)(long);

static unsigned rng_state = 12345u;
static struct node *pool;
static int pool_used;
static struct vm machine;

unsigned next_random(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 7;
}

int compare_up(unsigned a, unsigned b) { return a < b ? -1 : (a > b ? 1 : 0); }

unsigned hash_word(unsigned h, unsigned x) {
  for (int i = 0; i < 4; i++) {
    h ^= (x >> (8 * i)) & 0xffu;
    h *= 16777619u;
  }
  return h;
}

void quick_sort(unsigned *v, int lo, int hi, compare_fn cmp) {
  while (lo < hi) {
    unsigned pivot = v[lo + (hi - lo) / 2];
    int i = lo;
    int j = hi;
    while (i <= j) {
      for (;;) {
        int c = cmp(v[i], pivot);
        if (c >= 0)
          break;
        i++;
      }
      for (;;) {
        int c = cmp(pivot, v[j]);
        if (c >= 0)
          break;
        j--;
      }
      if (i <= j) {
        unsigned t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quick_sort(v, lo, j, cmp);
      lo = i;
    } else {
      quick_sort(v, i, hi, cmp);
      hi = j;
    }
  }
}

struct node *tree_insert(struct node *t, unsigned key) {
  if (t == NULL) {
    struct node *n = &pool[pool_used];
    pool_used++;
    n->key = key;
    n->count = 1;
    n->left = NULL;
    n->right = NULL;
    return n;
  }
  if (key < t->key) {
    struct node *l = tree_insert(t->left, key);
    t->left = l;
  } else if (key > t->key) {
    struct node *r = tree_insert(t->right, key);
    t->right = r;
  } else {
    t->count++;
  }
  return t;
}

unsigned long tree_sum(const struct node *t, unsigned long depth) {
  if (t == NULL)
    return 0;
  unsigned long l = tree_sum(t->left, depth + 1);
  unsigned long r = tree_sum(t->right, depth + 1);
  return l + r + (unsigned long)t->key % 1000u * t->count * depth;
}

void op_push(long arg) { machine.stack[machine.sp++] = arg; }
void op_add(long arg) { machine.sp--; machine.stack[machine.sp - 1] += machine.stack[machine.sp] + arg; }
void op_mul(long arg) { machine.stack[machine.sp - 1] = machine.stack[machine.sp - 1] * 31 + arg; }
void op_xor(long arg) { machine.stack[machine.sp - 1] ^= arg << 3; }
void op_store(long arg) { machine.acc += machine.stack[--machine.sp] + arg; }
void op_loop(long arg) { if (machine.acc % 7 != 0 && machine.stack[0] > 0) { machine.stack[0]--; machine.pc = (int)arg - 1; } }

long vm_run(const unsigned char *code, const long *args, int len, long count) {
  static const op_fn ops[] = {op_push, op_add, op_mul, op_xor, op_store, op_loop};
  machine.sp = 1;
  machine.stack[0] = count;
  machine.acc = 1;
  for (machine.pc = 0; machine.pc < len; machine.pc++) {
    op_fn f = ops[code[machine.pc]];
    f(args[machine.pc]);
  }
  return machine.acc;
}

unsigned long run_round(unsigned *v, int n, long vm_count) {
  static const unsigned char code[] = {0, 0, 1, 2, 3, 0, 2, 1, 4, 5};
  static const long args[] = {3, 5, 1, 7, 9, 11, 13, 0, 2, 0};
  unsigned long sum = 0;
  unsigned h = 2166136261u;

  for (int i = 0; i < n; i++) {
    unsigned x = next_random();
    v[i] = x;
  }
  quick_sort(v, 0, n - 1, compare_up);
  for (int i = 0; i < n; i++) {
    if (i > 0 && v[i - 1] > v[i])
      sum += 1000000007ul; /* never, if the sort is right */
    h = hash_word(h, v[i]);
  }
  pool_used = 0;
  struct node *root = NULL;
  for (int i = 0; i < n / 4; i++) {
    unsigned key = v[(i * 7919) % n] % 65536u;
    root = tree_insert(root, key);
  }
  unsigned long t = tree_sum(root, 1);
  long acc = vm_run(code, args, (int)sizeof code, vm_count);
  return sum + h + t + (unsigned long)acc;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  int rounds = argc > 2 ? atoi(argv[2]) : 10;
  unsigned long checksum = 0;

  if (n < 2 || rounds < 1) {
    fprintf(stderr, "usage: %s [N [ROUNDS]]\n", argv[0]);
    return 2;
  }
  unsigned *v = malloc((size_t)n * sizeof *v);
  pool = malloc((size_t)n * sizeof *pool);
  if (v == NULL || pool == NULL) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  for (int r = 0; r < rounds; r++) {
    unsigned long c = run_round(v, n, (long)n * 4);
    checksum = checksum * 31u + c;
  }
  printf("checksum %lu\n", checksum);
  free(v);
  free(pool);
  return 0;
}
