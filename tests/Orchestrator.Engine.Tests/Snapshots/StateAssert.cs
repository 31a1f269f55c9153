using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>Compares two engines' complete state through the snapshot serialiser, naming the section and offset of the first difference.</summary>
internal static class StateAssert
{
    public static void Equal(TradingEngine expected, TradingEngine actual)
    {
        byte[] a = expected.CaptureState();
        byte[] b = actual.CaptureState();
        Assert.Equal(a.Length, b.Length);
        int at = a.AsSpan().CommonPrefixLength(b);
        if (at == a.Length)
        {
            return;
        }

        SnapshotLayout layout = expected.SnapshotLayout;
        SnapshotSection section = at >= layout.OrderManagerOffset ? SnapshotSection.OrderManager
            : at >= layout.SizingOffset ? SnapshotSection.Sizing
            : at >= layout.RiskOffset ? SnapshotSection.Risk
            : SnapshotSection.SignalEngine;
        Assert.Fail($"state differs in the {section} section at body offset {at} (section offset {at - layout.RangeOf(section).Start.Value})");
    }
}
