// The speech lecture and the silent one (scripts/support/speech-video.ts), made in this run's scratch folder.
import { silentVideo as silentIn, speechVideo as speechIn, LIBRIVOX } from "../../scripts/support/speech-video";
import { TMP } from "./paths";

export { LIBRIVOX };
export const speechVideo = () => speechIn(TMP);
export const silentVideo = () => silentIn(TMP);
