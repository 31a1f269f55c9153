using System.Runtime.CompilerServices;

namespace Orchestrator.Core.Tests;

/// <summary>The ring slot's size: every byte of it is cleared and written per event, so growth must be deliberate.</summary>
public sealed class EngineEventLayoutTests
{
    [Fact]
    public void EngineEvent_Is352Bytes_With21BytesOfPadding()
    {
        // 331 bytes of fields (33 longs, 4 ints, 15 one-byte fields, the 36-byte ProtectiveExits) and 21 of alignment
        // padding (4 of them inside ProtectiveExits). Issue 19 added the signal's action, target order and exits and a
        // replace's quantity and prices (280 → 352). A new field
        // changes this on purpose: put it where it wastes no padding (one-byte fields beside the others of
        // its section), then update the figure here and in EngineEvent's summary.
        Assert.Equal(352, Unsafe.SizeOf<EngineEvent>());
    }
}
