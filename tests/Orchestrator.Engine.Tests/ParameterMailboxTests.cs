using System.Collections.Concurrent;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// The mailbox between the control API (many writers) and the pipeline stages: every staged
/// version reaches the stages in order with the value staged under it, whatever the number of
/// writers (issue 15 item 3: 16 slots overwritten by 64 writers lost acknowledged changes).
/// </summary>
public sealed class ParameterMailboxTests
{
    private sealed record Change(int Writer, int Index);

    [Fact]
    public void MoreThanCapacityInFlight_NoSlotIsOverwritten_BeforeItsVersionIsApplied()
    {
        var mailbox = new ParameterMailbox<Change>();
        for (int i = 0; i < ParameterMailbox<Change>.Capacity; i++)
        {
            mailbox.Stage(new Change(0, i));
        }

        // One more while none is applied: it waits for a slot instead of overwriting version 1.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => mailbox.Stage(new Change(0, 99), 0, static (_, _) => { }, cancelled.Token));
        Assert.Equal(new Change(0, 0), mailbox.Get(1));
        Assert.Equal(ParameterMailbox<Change>.Capacity, mailbox.LastVersion);

        mailbox.MarkApplied(1);
        long next = mailbox.Stage(new Change(0, 16), 0, static (_, _) => { }, cancelled.Token);
        Assert.Equal(ParameterMailbox<Change>.Capacity + 1, next);
        Assert.Equal(new Change(0, 16), mailbox.Get(next));
        Assert.Null(mailbox.Get(1));
        Assert.Equal(new Change(0, 1), mailbox.Get(2));
    }

    [Fact]
    public void SixtyFourConcurrentWriters_EveryVersionIsAppliedInOrder_NoneLost()
    {
        const int writers = 64;
        const int perWriter = 200;
        var mailbox = new ParameterMailbox<Change>();
        var ring = new BlockingCollection<long>(); // stands in for the inbound ring: commands in publish order
        var staged = new ConcurrentDictionary<long, Change>();
        int[] duplicates = [0];

        // The stages' side: applies each commanded version, then frees its slot, as the sizing stage does.
        var applied = new List<(long Version, Change? Value)>();
        var consumer = new Thread(() =>
        {
            foreach (long version in ring.GetConsumingEnumerable())
            {
                applied.Add((version, mailbox.Get(version)));
                mailbox.MarkApplied(version);
            }
        });
        consumer.Start();

        using var start = new Barrier(writers);
        var threads = new Thread[writers];
        for (int w = 0; w < writers; w++)
        {
            int writer = w;
            threads[w] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < perWriter; i++)
                {
                    var change = new Change(writer, i);
                    long version = mailbox.Stage(change, ring, static (r, v) => r.Add(v), CancellationToken.None);
                    if (!staged.TryAdd(version, change))
                    {
                        Interlocked.Increment(ref duplicates[0]); // asserted below, off the worker threads
                    }
                }
            });
            threads[w].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        ring.CompleteAdding();
        consumer.Join();

        Assert.Equal(0, duplicates[0]); // each version is given once
        Assert.Equal(writers * perWriter, applied.Count);
        for (int i = 0; i < applied.Count; i++)
        {
            Assert.Equal(i + 1, applied[i].Version); // published in version order, none skipped
            Assert.Same(staged[applied[i].Version], applied[i].Value); // the value staged under it, not a later one
        }

        Assert.Equal(writers * perWriter, mailbox.AppliedVersion);
        for (int w = 0; w < writers; w++)
        {
            // Each writer's own changes in the order it made them.
            int[] order = [.. applied.Where(a => a.Value!.Writer == w).Select(a => a.Value!.Index)];
            Assert.Equal(Enumerable.Range(0, perWriter), order);
        }
    }
}
