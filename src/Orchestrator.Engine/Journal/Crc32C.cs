using System.Buffers.Binary;
using System.Numerics;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of journal records, on the CPU's CRC32 instruction
/// (SSE4.2, ARMv8) through <see cref="BitOperations.Crc32C(uint, ulong)"/>, with the runtime's
/// table fallback elsewhere. System.IO.Hashing 10.0 offers only CRC-32 (IEEE).
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF; "123456789" → 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFF_FFFFu, data);

    /// <summary>
    /// Continues a running CRC over <paramref name="data"/> (start with 0xFFFFFFFF, finish with ~):
    /// a checksum over several buffers without joining them.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8)));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return crc;
    }
}
