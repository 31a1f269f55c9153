using System.Runtime.CompilerServices;

namespace Orchestrator.Core.Tests;

/// <summary>The ring slot's size: every byte of it is cleared and written per event, so growth must be deliberate.</summary>
public sealed class EngineEventLayoutTests
{
    [Fact]
    public void EngineEvent_Is280Bytes_With18BytesOfPadding()
    {
        // 262 bytes of fields (29 longs, 4 ints, 14 one-byte fields) and 18 of alignment padding. A new field
        // changes this on purpose: put it where it wastes no padding (one-byte fields beside the others of
        // its section), then update the figure here and in EngineEvent's summary.
        Assert.Equal(280, Unsafe.SizeOf<EngineEvent>());
    }
}
