/* Version 2 sorts with heap sort (same comparison counter). */
#include <stdio.h>
#include <stdlib.h>

unsigned long long comparisons;

static void siftDown(int numbers[], int root, int size) {
  while (2 * root + 1 < size) {
    int child = 2 * root + 1;
    if (child + 1 < size) {
      comparisons++;
      if (numbers[child + 1] > numbers[child])
        child++;
    }
    comparisons++;
    if (numbers[root] >= numbers[child])
      return;
    int t = numbers[root];
    numbers[root] = numbers[child];
    numbers[child] = t;
    root = child;
  }
}

static void heapify(int numbers[], int size) {
  for (int r = size / 2 - 1; r >= 0; r--)
    siftDown(numbers, r, size);
}

void heapSort(int numbers[], int array_size) {
  int i, temp;
  heapify(numbers, array_size);
  for (i = array_size - 1; i > 0; i--) {
    temp = numbers[0];
    numbers[0] = numbers[i];
    numbers[i] = temp;
    siftDown(numbers, 0, i);
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
  heapSort(numbers, n);
  for (int k = 0; k < n; k++)
    if (numbers[k] != k)
      sorted = 0;
  printf("v2 n=%d sorted=%s comparisons=%llu\n", n, sorted ? "yes" : "no",
         comparisons);
  free(numbers);
  return 0;
}
