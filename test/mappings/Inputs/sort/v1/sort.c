/* Sorts a shuffled permutation of 0..n-1 with bubble sort, counting
 * comparisons; prints "progress N" after each of the first passes (the
 * tests update it then), and at the end whether the array is sorted and the count. */
#include <stdio.h>
#include <stdlib.h>

unsigned long long comparisons;

void bubbleSort(int numbers[], int array_size) {
  int i, j, temp;
  for (i = (array_size - 1); i >= 0; i--) {
    for (j = 1; j <= i; j++) {
      comparisons++;
      if (numbers[j - 1] > numbers[j]) {
        temp = numbers[j - 1];
        numbers[j - 1] = numbers[j];
        numbers[j] = temp;
      }
    }
    if (array_size - i <= 6) {
      printf("progress %d\n", array_size - i);
      fflush(stdout);
    }
  }
}

static void shuffle(int *v, int n) {
  unsigned long long x = 88172645463325252ULL;
  for (int k = 0; k < n; k++)
    v[k] = k;
  for (int k = n - 1; k > 0; k--) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int r = (int)(x % (unsigned long long)(k + 1));
    int t = v[k];
    v[k] = v[r];
    v[r] = t;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int *numbers = malloc((size_t)n * sizeof *numbers);
  int sorted = 1;
  if (!numbers)
    return 1;
  shuffle(numbers, n);
  bubbleSort(numbers, n);
  for (int k = 0; k < n; k++)
    if (numbers[k] != k)
      sorted = 0;
  printf("v1 n=%d sorted=%s comparisons=%llu\n", n, sorted ? "yes" : "no",
         comparisons);
  free(numbers);
  return 0;
}
