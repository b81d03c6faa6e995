// kafkajs 2.2.4 arms a timer with a negative delay whenever its request queue is not throttled
// (requestQueue.scheduleCheckPendingRequests); the runtime clamps it to 1 ms and prints a
// TimeoutNegativeWarning each time. Harmless, so that one warning is dropped; any other is printed.
// Imported for its effect by every module that creates kafkajs clients.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});
