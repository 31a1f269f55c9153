namespace Orchestrator.Engine.Ring;

/// <summary>
/// Fills one claimed ring slot in place (<see cref="RingPublisher"/>). Implemented by small
/// structs, so the publish is specialised per writer: no boxing, no interface call.
/// </summary>
public interface ISlotWriter<T>
    where T : struct
{
    /// <summary>Overwrites the whole slot; called on the publishing thread between claim and publish.</summary>
    void Write(ref T slot);
}
