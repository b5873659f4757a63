package dev.aio4j.bench.peers

import java.lang.management.ManagementFactory
import java.nio.file.Files
import java.nio.file.Path
import java.util.Locale
import java.util.SplittableRandom
import kotlin.coroutines.CoroutineContext
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/**
 * The side-by-side workloads (compare/compare.py) on Kotlin coroutines, written as a Kotlin
 * programmer would: `launch` for a task, `yield()` for a switch, two `Channel`s for ping-pong,
 * `delay` for timers, a `CompletableDeferred` as the event. Same arguments, warm-up and
 * one-line JSON output as the Java programs (dev.aio4j.bench.compare.AioWorkloads).
 *
 *     KotlinWorkloads single|default WORKLOAD N [M]
 *
 * `single` runs everything on one thread (`newSingleThreadContext`, the closest to one event
 * loop); `default` on `Dispatchers.Default` (one worker per core, work stealing).
 */
@OptIn(ExperimentalCoroutinesApi::class, kotlinx.coroutines.DelicateCoroutinesApi::class)
fun main(args: Array<String>) {
    require(args.size >= 2) { "usage: KotlinWorkloads single|default spawn N | switch T Y | pingpong N | timers N MAX_MS | idle N" }
    val mode = args[0]
    val context: CoroutineContext = when (mode) {
        "single" -> newSingleThreadContext("kotlin-loop")
        "default" -> Dispatchers.Default
        else -> throw IllegalArgumentException("dispatcher: single or default, not $mode")
    }
    val impl = if (mode == "single") "kotlin 1 thread" else "kotlin default"
    fun arg(i: Int, fallback: Long) = if (args.size > i) args[i].replace("_", "").toLong() else fallback
    val w = Workloads(impl, context)
    val report = when (args[1]) {
        "spawn" -> w.spawn(arg(2, 1_000_000))
        "switch" -> w.switch(arg(2, 1_000), arg(3, 1_000))
        "pingpong" -> w.pingPong(arg(2, 1_000_000))
        "timers" -> w.timers(arg(2, 100_000), arg(3, 100))
        "idle" -> w.idle(arg(2, 100_000))
        else -> throw IllegalArgumentException("unknown workload ${args[1]}")
    }
    println(report.json())
    System.out.flush()
    if (mode == "single") (context as AutoCloseable).close()
}

private class Report(impl: String, workload: String, n: Long) {
    private val fields = linkedMapOf<String, Any>("impl" to impl, "workload" to workload, "n" to n)

    fun put(key: String, value: Any): Report = apply { fields[key] = value }

    fun json(): String = fields.entries.joinToString(", ", "{", "}") { (k, v) ->
        "\"$k\": " + when (v) {
            is Double -> String.format(Locale.ROOT, "%.6g", v)
            is Number, is Boolean -> v.toString()
            else -> "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\""
        }
    }
}

private fun warmSize(n: Long, cap: Long): Int {
    val env = System.getenv("AIO4J_BENCH_WARMUP")
    val limit = if (env.isNullOrBlank()) cap else env.trim().toLong()
    return maxOf(1L, minOf(cap, limit, n)).toInt()
}

private fun rssBytes(): Long = Files.readAllLines(Path.of("/proc/self/status"))
    .firstOrNull { it.startsWith("VmRSS:") }?.trim()?.split(Regex("\\s+"))?.get(1)?.toLong()?.times(1024) ?: -1

private fun heapUsedAfterGc(): Long {
    System.gc()
    System.gc()
    return ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
}

private class Workloads(val impl: String, val context: CoroutineContext) {

    fun spawn(n: Long): Report {
        spawnRound(warmSize(n, 100_000))
        val rounds = maxOf(1L, minOf(20L, 100_000L / n)).toInt()
        val took = LongArray(rounds) {
            val t0 = System.nanoTime()
            spawnRound(n.toInt())
            System.nanoTime() - t0
        }
        took.sort()
        val median = took[rounds / 2]
        return Report(impl, "spawn", n).put("value", median.toDouble() / n).put("unit", "ns/task")
            .put("rounds", rounds).put("seconds", median / 1e9)
    }

    private fun spawnRound(n: Int) = runBlocking(context) {
        val jobs = arrayOfNulls<Job>(n)
        for (i in 0 until n) jobs[i] = launch { }
        for (j in jobs) j!!.join()
    }

    fun switch(tasks: Long, yields: Long): Report {
        switchRound(minOf(tasks, 100).toInt(), minOf(yields, 1_000).toInt())
        val t0 = System.nanoTime()
        switchRound(tasks.toInt(), yields.toInt())
        val took = System.nanoTime() - t0
        val switches = tasks * yields
        return Report(impl, "switch", switches).put("tasks", tasks).put("yields", yields)
            .put("value", took.toDouble() / switches).put("unit", "ns/switch").put("seconds", took / 1e9)
    }

    private fun switchRound(tasks: Int, yields: Int) = runBlocking(context) {
        val jobs = List(tasks) { launch { repeat(yields) { yield() } } }
        jobs.forEach { it.join() }
    }

    fun pingPong(n: Long): Report {
        pingPongRound(warmSize(n, 100_000))
        val t0 = System.nanoTime()
        pingPongRound(n.toInt())
        val took = System.nanoTime() - t0
        return Report(impl, "pingpong", n).put("via", "Channel(UNLIMITED)").put("value", took.toDouble() / n)
            .put("unit", "ns/round trip").put("seconds", took / 1e9)
    }

    private fun pingPongRound(n: Int) = runBlocking(context) {
        val requests = Channel<Int>(Channel.UNLIMITED)
        val replies = Channel<Int>(Channel.UNLIMITED)
        val pong = launch {
            while (true) {
                val v = requests.receive()
                if (v < 0) break
                replies.send(v + 1)
            }
        }
        var v = 0
        repeat(n) {
            requests.send(v)
            v = replies.receive()
        }
        requests.send(-1)
        pong.join()
        check(v == n) { "ping-pong lost a message: $v != $n" }
    }

    fun timers(n: Long, maxMs: Long): Report {
        val warm = warmSize(n, 10_000)
        repeat(2) { timersRound(warm, 10, LongArray(warm)) }
        val late = LongArray(n.toInt())
        val (total, longest) = timersRound(n.toInt(), maxMs, late)
        late.sort()
        fun pct(p: Double) = late[minOf(late.size - 1, Math.round(p / 100.0 * (late.size - 1)).toInt())] / 1e6
        return Report(impl, "timers", n).put("value", (total - longest) / 1e6).put("unit", "ms over ideal")
            .put("seconds", total / 1e9).put("ideal_ms", longest / 1e6)
            .put("late_p50_ms", pct(50.0)).put("late_p99_ms", pct(99.0)).put("late_max_ms", late.last() / 1e6)
    }

    private fun timersRound(n: Int, maxMs: Long, late: LongArray): Pair<Long, Long> {
        val random = SplittableRandom(1)
        val delays = LongArray(n) { random.nextLong(maxMs * 1_000_000 + 1) }
        val longest = delays.max()
        val t0 = System.nanoTime()
        runBlocking(context) {
            for (k in 0 until n) {
                launch {
                    val start = System.nanoTime()
                    delay(delays[k].nanoseconds) // kotlinx rounds up to whole milliseconds
                    late[k] = System.nanoTime() - start - delays[k]
                }
            }
        }
        return Pair(System.nanoTime() - t0, longest)
    }

    /** Warm-up as AioWorkloads.idle's: rounds of 10,000 waiting coroutines, 100,000 in all (or AIO4J_BENCH_WARMUP). */
    fun idle(n: Long): Report {
        var left = warmSize(Long.MAX_VALUE, 100_000)
        while (left > 0) {
            idleRound(minOf(left, 10_000), false)
            left -= 10_000
        }
        return idleRound(n.toInt(), true)!!
    }

    private fun idleRound(n: Int, measure: Boolean): Report? {
        var heap0 = 0L
        var rss0 = 0L
        if (measure) {
            heap0 = heapUsedAfterGc()
            rss0 = rssBytes()
        }
        var report: Report? = null
        runBlocking(context) {
            val event = CompletableDeferred<Unit>()
            val jobs = List(n) { launch { event.await() } }
            waitUntilStarted(this)
            if (measure) {
                val heap1 = heapUsedAfterGc()
                val rss1 = rssBytes()
                report = Report(impl, "idle", n.toLong()).put("value", (rss1 - rss0).toDouble() / n)
                    .put("unit", "bytes/task").put("heap_per_task", (heap1 - heap0).toDouble() / n)
                    .put("rss_mb", rss1 / 1048576.0)
            }
            event.complete(Unit)
            jobs.forEach { it.join() }
        }
        return report
    }

    /** Lets every launched coroutine reach its first suspension (they start lazily on dispatch). */
    private suspend fun waitUntilStarted(@Suppress("UNUSED_PARAMETER") scope: CoroutineScope) {
        repeat(3) { yield() }
        delay(50)
    }
}
