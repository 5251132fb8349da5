/**
 * The embeddable bundle, served as /call-room.js: registers <call-room> (with <video-tile> and
 * <media-controls>) for any page. `<script type="module" src="https://HOST/call-room.js">`.
 */
export { CallRoom } from './components/call-room.js';
export { VideoTile } from './components/video-tile.js';
export { MediaControls } from './components/media-controls.js';
