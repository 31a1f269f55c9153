namespace Orchestrator.RingBuffer.Tests;

/// <summary>The event used by the ring-buffer tests: a payload plus a field per stage.</summary>
public struct TestEvent
{
    public long Value;
    public long ProducerId;
    public long StageA;
    public long StageB;
    public long StageC;
}
