using System.Diagnostics;
using Orchestrator.Adapters.Venues;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>
/// The system clock, except that a read made inside the gateway's placement of an order (its worker,
/// between taking the command and the first answer) waits until <see cref="Release"/>: a test holds one
/// worker there while another takes the next command. Reads from anywhere else (the poll, the retry
/// pipeline's own bookkeeping outside a placement, the ring thread) pass at once.
/// </summary>
internal sealed class PlacementHoldingClock : TimeProvider, IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly ManualResetEventSlim _released = new();

    public override DateTimeOffset GetUtcNow()
    {
        if (!_released.IsSet && InPlacement())
        {
            _released.Wait(HangGuard); // the guard only keeps a failed test from holding a worker forever
        }

        return base.GetUtcNow();
    }

    /// <summary>Lets every held read, and all later ones, through.</summary>
    public void Release() => _released.Set();

    public void Dispose()
    {
        _released.Set();
        _released.Dispose();
    }

    /// <summary>Whether the calling thread is running the gateway's PlaceAsync (its async state machine).</summary>
    private static bool InPlacement()
    {
        foreach (StackFrame frame in new StackTrace().GetFrames())
        {
            Type? type = frame.GetMethod()?.DeclaringType;
            if (type?.DeclaringType == typeof(VenueBrokerGateway) && type.Name.StartsWith("<PlaceAsync>", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
