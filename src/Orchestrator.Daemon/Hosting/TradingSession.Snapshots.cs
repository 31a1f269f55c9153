using Orchestrator.Engine;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Daemon.Hosting;

/// <summary>Snapshots of a journaled session: what recovery started from, and a Checkpoint every <see cref="SessionOptions.SnapshotInterval"/>.</summary>
public sealed partial class TradingSession
{
    private CancellationTokenSource? _checkpointStop;
    private Task? _checkpointLoop;

    /// <summary>One INFO line on what recovery started from; a WARNING per snapshot it refused, with the reason.</summary>
    private static void LogSnapshotRecovery(TradingEngine engine)
    {
        if (engine.Recovery is not { } recovery)
        {
            return;
        }

        foreach (SnapshotRefusal refused in recovery.SnapshotsRefused)
        {
            s_logger.Warn("Journal: snapshot {0} not used: {1}", refused.Path, refused.Reason);
        }

        if (recovery.Snapshot is { } snapshot)
        {
            s_logger.Info("Journal: recovery started from snapshot {0} (journal sequence {1}), then replayed {2:N0} events after it; {3} covered segments not read",
                snapshot.Path, snapshot.CoveredSequence, recovery.EventsReplayed, recovery.SegmentsSkipped);
        }
        else
        {
            s_logger.Info("Journal: no usable snapshot, recovery replayed the whole journal ({0:N0} events)", recovery.EventsReplayed);
        }
    }

    /// <summary>With a journal and an interval: publishes a Checkpoint every interval (a timer on the slow path).</summary>
    private void StartCheckpoints(TradingEngine engine)
    {
        if (engine.Checkpoints is not { } checkpoints)
        {
            return;
        }

        checkpoints.SnapshotWritten += info => s_logger.Debug("Journal: snapshot {0} written (journal sequence {1})", info.Path, info.CoveredSequence);
        checkpoints.SnapshotFailed += ex => s_logger.Warn("Journal: a snapshot could not be written ({0}); the journal is intact, recovery will replay more of it", ex.Message);
        TimeSpan interval = _options.SnapshotInterval;
        if (interval <= TimeSpan.Zero)
        {
            s_logger.Info("Journal: snapshots off (--snapshot-interval 0): recovery replays the whole journal");
            return;
        }

        s_logger.Info("Journal: a snapshot every {0:0.###}s in {1}, the newest {2} kept", interval.TotalSeconds, engine.Options.JournalDirectory, SnapshotFile.Keep);
        _checkpointStop = new CancellationTokenSource();
        CancellationToken token = _checkpointStop.Token;
        _checkpointLoop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                engine.RequestCheckpoint(LastEventTimeNs);
            }
        }, token);
    }

    /// <summary>No more Checkpoints: called before the engine drains.</summary>
    private void StopCheckpoints()
    {
        if (_checkpointStop is null)
        {
            return;
        }

        _checkpointStop.Cancel();
        try
        {
            _checkpointLoop?.Wait(_options.ShutdownTimeout);
        }
        catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
        {
            // the normal end of the loop
        }

        _checkpointStop.Dispose();
        _checkpointStop = null;
    }
}
