package dev.subminute.controller.core;

import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.List;
import java.util.Optional;

/**
 * The jobs table as the controller, the starter and the reconciler see it: items in, status and
 * lease out. Status writes touch status attributes only. Every method throws {@link
 * StorageException} when storage cannot be reached.
 */
public interface JobStore {

  /** The job's item, read consistently; empty once deleted. */
  Optional<StoredJob> read(String jobId);

  /** Every item. */
  List<StoredJob> readAll();

  /**
   * Takes or renews the job's lease for {@code owner} until {@code leaseUntil} and writes the
   * status, if the item exists, no other owner holds a lease still valid at {@code nowMs}, and the
   * job is not enrolled on the shared hosts. This is the fence: false means another owner has the
   * job and the caller must not fire.
   */
  boolean writeStatusAsOwner(
      String jobId, String owner, long leaseUntil, long nowMs, StatusUpdate update);

  /** Gives up {@code owner}'s lease and writes a final status; false if it was not the owner. */
  boolean releaseAsOwner(String jobId, String owner, long nowMs, StatusUpdate update);

  /** Writes status on an item nobody owns, such as INVALID with its reason. */
  boolean writeStatusUnowned(String jobId, long nowMs, StatusUpdate update);
}
