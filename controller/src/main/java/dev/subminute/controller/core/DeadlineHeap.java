package dev.subminute.controller.core;

import java.util.Arrays;

/**
 * A binary min-heap of timers by monotonic deadline, each timer knowing its own slot, so that
 * removing or moving one costs O(log n) and no operation allocates (beyond growing the array).
 */
final class DeadlineHeap {
  private JobTimer[] heap = new JobTimer[64];
  private int size;

  int size() {
    return size;
  }

  JobTimer peek() {
    return size == 0 ? null : heap[0];
  }

  void add(JobTimer timer) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = timer;
    timer.heapIndex = size;
    size++;
    siftUp(timer.heapIndex);
  }

  JobTimer poll() {
    JobTimer head = peek();
    if (head != null) {
      remove(head);
    }
    return head;
  }

  boolean contains(JobTimer timer) {
    return timer.heapIndex >= 0 && timer.heapIndex < size && heap[timer.heapIndex] == timer;
  }

  void remove(JobTimer timer) {
    if (!contains(timer)) {
      return;
    }
    int i = timer.heapIndex;
    size--;
    JobTimer last = heap[size];
    heap[size] = null;
    timer.heapIndex = -1;
    if (i < size) {
      heap[i] = last;
      last.heapIndex = i;
      siftDown(i);
      siftUp(last.heapIndex);
    }
  }

  /** Re-positions a timer whose deadline changed, adding it if absent. */
  void update(JobTimer timer) {
    if (contains(timer)) {
      siftUp(timer.heapIndex);
      siftDown(timer.heapIndex);
    } else {
      add(timer);
    }
  }

  private void siftUp(int i) {
    JobTimer t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      JobTimer p = heap[parent];
      if (p.deadlineNanos - t.deadlineNanos <= 0) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = t;
    t.heapIndex = i;
  }

  private void siftDown(int i) {
    JobTimer t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].deadlineNanos - heap[child].deadlineNanos < 0) {
        child = right;
      }
      if (t.deadlineNanos - heap[child].deadlineNanos <= 0) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = t;
    t.heapIndex = i;
  }
}
